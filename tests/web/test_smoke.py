def test_login_page(client):
    r = client.get("/auth/login")
    assert r.status_code == 200
    assert b"Sign in" in r.data


def test_admin_sees_mentees(f, login):
    admin = f.user(is_admin=True)
    m = f.mentee()
    b = login(admin)
    r = b.get("/people/mentees")
    assert r.status_code == 200, r.data
    assert m.person.email.encode() in r.data
