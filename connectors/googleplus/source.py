"""Google+ as a source: none any more. Google closed it to consumers on 2 April 2019 and deleted
its content; its card on the connect page says so and names what replaces it."""

from connectors.registry import Source

SOURCE = Source(
    package="connectors.googleplus",
    network=None,
    name="Google+",
    label="Google+",
    description="Google\u2019s social network, closed in 2019.",
    notice=(
        "Google closed Google+ on 2 April 2019 and deleted what was posted there, so it cannot be "
        "connected. For Google\u2019s own network, connect YouTube; your other audiences are on the "
        "networks above."
    ),
)
