"""Individual development plans (docs/guides/mentee.md): rules (pure), plans and goals, reviews."""
