"""The one list of sources: every source is a folder alike, and the service derives from the list."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import clear_url_caches, reverse

from connectors import registry
from connectors.models import SyncRun
from klout.schedules import PERIODIC_TASKS
from privacy.profiles import network_choices
from tests.factories import MemberFactory

# The files a source has for each thing it declares: every source is a folder like the others.
FILES_FOR = {
    "every source": {"__init__.py", "source.py"},
    # The sign-in itself is the network's: oauth.py for OAuth (X, Mastodon), session.py for an
    # app password (Bluesky).
    "sign-in": {"views.py", "urls.py"},
    "API sync": {"client.py", "parser.py", "sync.py", "tasks.py"},
    "public profile": {"profile.py"},
    "file formats": {"imports.py", "forms.py"},
}


def _needed(source: registry.Source) -> set[str]:
    needed = set(FILES_FOR["every source"])
    if source.sign_in:
        needed |= FILES_FOR["sign-in"]
    if source.sync:
        needed |= FILES_FOR["API sync"]
    if source.profile:
        needed |= FILES_FOR["public profile"]
    if source.formats:
        needed |= FILES_FOR["file formats"]
    return needed


def _declared_paths(source: registry.Source) -> list[str]:
    paths = []
    if source.sign_in:
        paths += [source.sign_in.urls, source.sign_in.configured]
    if source.sync:
        paths += [source.sync.account_task, source.sync.all_accounts_task]
    if source.profile:
        paths.append(source.profile)
    for file_format in source.formats:
        paths += [file_format.form, file_format.importer]
    return paths


@pytest.mark.parametrize("source", registry.sources(), ids=lambda s: s.key)
def test_every_source_has_the_files_of_what_it_declares(source):
    folder = Path(importlib.import_module(source.package).__file__).parent
    present = {p.name for p in folder.iterdir() if p.suffix == ".py"}
    assert _needed(source) <= present, f"{source.package} lacks {sorted(_needed(source) - present)}"


@pytest.mark.parametrize("source", registry.sources(), ids=lambda s: s.key)
def test_what_a_source_declares_lives_in_its_own_folder_and_exists(source):
    for path in _declared_paths(source):
        assert path.startswith(f"{source.package}."), path
        if path == source.profile or path == getattr(source.sign_in, "urls", None):
            registry.module(path)
        else:
            assert registry.dotted(path) is not None


def test_the_service_derives_its_sources_from_the_registry():
    sources = registry.sources()
    x = registry.source_for_network("x")
    choices = dict(SyncRun._meta.get_field("source").choices)
    assert {x.sync.run_source, *registry.upload_run_sources()} <= set(choices)
    assert x.sync.account_task.rpartition(".")[0] in settings.CELERY_IMPORTS
    assert x.sync.all_accounts_task in {task.task for task in PERIODIC_TASKS}
    for file_format in registry.file_formats():
        assert reverse(f"connectors:{file_format.url_name}") == f"/{file_format.path}"
    assert [network for network, _ in network_choices()] == [s.network for s in sources if s.profile]


# --- a new network: a folder and one registry entry ----------------------------------------------

STUB_FILES = {
    "__init__.py": '"""A network that exists only in this test."""\n',
    "source.py": """
        from connectors.registry import SignIn, Source

        SOURCE = Source(
            package="stubnet",
            network="stubnet",
            name="Stubnet",
            label="Stubnet",
            description="Sign in with Stubnet; a network made up for this test.",
            sign_in=SignIn(
                urls="stubnet.urls",
                page="stubnet:start",
                button="Connect Stubnet",
                configured="stubnet.oauth.configured",
                unconfigured_reason="",
            ),
        )
    """,
    "oauth.py": """
        def configured():
            return True
    """,
    "views.py": """
        from django.http import HttpResponse

        def start(request):
            return HttpResponse("Stubnet sign-in starts here")
    """,
    "urls.py": """
        from django.urls import path

        from stubnet import views

        app_name = "stubnet"
        urlpatterns = [path("stubnet/", views.start, name="start")]
    """,
}


@pytest.fixture
def stub_network(tmp_path, monkeypatch):
    folder = tmp_path / "stubnet"
    folder.mkdir()
    for name, text in STUB_FILES.items():
        (folder / name).write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "SOURCE_PACKAGES", [*registry.SOURCE_PACKAGES, "stubnet"])
    _reload_urls()
    yield
    monkeypatch.undo()
    for name in [m for m in sys.modules if m == "stubnet" or m.startswith("stubnet.")]:
        del sys.modules[name]
    _reload_urls()


def _reload_urls() -> None:
    import klout.urls

    importlib.reload(klout.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_a_new_network_appears_on_the_connect_page_with_no_other_edit(client, stub_network):
    client.force_login(MemberFactory().user)

    page = client.get(reverse("connect:index")).content.decode()

    assert 'data-source="stubnet"' in page and "Connect Stubnet" in page
    assert client.get("/connect/stubnet/").content == b"Stubnet sign-in starts here"


@pytest.mark.django_db
def test_without_the_entry_the_network_is_not_there(client):
    client.force_login(MemberFactory().user)
    assert 'data-source="stubnet"' not in client.get(reverse("connect:index")).content.decode()
