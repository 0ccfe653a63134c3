"""Foursquare / Swarm: the member's check-ins, with their likes and comments, and tips, by OAuth."""
