"""LinkedIn: the member's data export ("Get a copy of your data"), the one way in LinkedIn allows."""
