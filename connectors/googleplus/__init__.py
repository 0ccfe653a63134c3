"""Google+: closed in April 2019. Its place on the connect page says so and where to go instead."""
