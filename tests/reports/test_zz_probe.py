from mentorship.dashboard import exports
from tests.reports import institution
from tests.reports.helpers import load, request, values
from tests.reports.test_inclusivity import _people

def test_probe_incl(app, f):
    _people(f)
    wb = load(exports.build_report("inclusivity", request(app)))
    for name in wb.sheetnames[1:]:
        print(name)
        for r in values(wb[name]): print("  ", r)

def test_probe_review(app, f):
    institution.build(f)
    wb = load(exports.build_report("annual-review", request(app)))
    for name in wb.sheetnames[1:]:
        rows = values(wb[name])
        i = next(i for i, r in enumerate(rows) if (r[0] or "").startswith("Inclusivity"))
        print(name)
        for r in rows[i:]: print("  ", r[:6])
