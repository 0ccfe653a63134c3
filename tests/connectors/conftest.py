import pytest

from tests.factories import DEFAULT_PASSWORD, MemberFactory


@pytest.fixture
def member_client(client):
    """A signed-in member's client; the member is ``client.member``."""
    member = MemberFactory()
    client.login(email=member.user.email, password=DEFAULT_PASSWORD)
    client.member = member
    return client
