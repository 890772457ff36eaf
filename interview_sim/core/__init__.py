"""Pure domain logic: banks, rubric matching and scoring, delivery metrics, scheduling."""
