"""Individual development plans: the plan page, goals, comments, reviews and program templates."""
