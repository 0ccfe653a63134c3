"""The one list of sources: every network and file format Klout reads.

Each source is a package under ``connectors/`` whose ``source.py`` declares a ``SOURCE``; this
module lists the packages (``SOURCE_PACKAGES``, one entry per source) and derives from their
declarations everything that depends on which sources exist: the connect page's cards, the URLs
included under ``connect/``, the task modules the worker imports, the periodic syncs, the
``SyncRun`` sources, "sync now", the upload formats and the public opt-out's profile readers.

Declarations name modules and functions by dotted path, so this module can be read by settings
and models without importing a connector (nor Django's app registry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

# One entry per source; a new network is a folder like the others plus a line here.
SOURCE_PACKAGES: list[str] = [
    "connectors.mastodon",
    "connectors.bluesky",
    "connectors.twitter",
    "connectors.youtube",
    "connectors.instagram",
    "connectors.facebook",
    "connectors.foursquare",
    "connectors.linkedin",
    "connectors.jsonl",
    "connectors.googleplus",
]


@dataclass(frozen=True)
class SignIn:
    """Connecting an account by signing in on the network (OAuth)."""

    # URL module included under connect/, the name of its page for the member, and the label of
    # the connect page's button to it.
    urls: str
    page: str
    button: str
    # Dotted path of a () -> bool saying whether the operator set the network up, and what the
    # connect page says when not.
    configured: str
    unconfigured_reason: str


@dataclass(frozen=True)
class ApiSync:
    """Reading a connected account's activity from the network's API."""

    # The SyncRun source of its runs, e.g. "x_api", and how runs are called in the admin.
    run_source: str
    run_label: str
    # Dotted names of the Celery tasks: one account's sync (takes the account id) and the fan-out
    # over every active account; the module of the first is imported by the worker.
    account_task: str
    all_accounts_task: str
    # The fan-out's schedule: its name in the admin, the minute of each hour beat runs it (a
    # cron minute field), and what it does.
    schedule_name: str
    minute: str
    schedule_description: str
    # Dotted path of ``(handle) -> SyncOutcome``: reading a public account of no member with no
    # token (``manage.py sync_identity``), for networks whose public API allows it.
    public: str | None = None


@dataclass(frozen=True)
class FileFormat:
    """An export file a member uploads (the network's data archive, or Klout's own format)."""

    # The SyncRun source of its imports, e.g. "x_archive", and the admin's label for them.
    run_source: str
    run_label: str
    name: str
    description: str
    # The upload page's URL name in the "connectors" namespace, its path under the site root,
    # its form class and template (dotted path, template name).
    url_name: str
    path: str
    form: str
    template: str
    # Dotted path of ``(path, member, progress, options) -> ImportReport``: the import of a
    # stored upload; ``options`` holds the form's choices beyond the file.
    importer: str
    # The stored upload's file extension.
    extension: str
    # For ``manage.py import_archive``, which tells the formats apart by content: dotted paths of
    # ``(path) -> bool`` (is the file of this format?) and of ``(path, member, origin) ->
    # ImportReport`` (the operator's import).
    recognizes: str | None = None
    command_importer: str | None = None


@dataclass(frozen=True)
class Source:
    package: str
    # The network its records belong to (``records.NETWORKS``); None for a format of any network.
    network: str | None
    # The full name (on the connect page) and the short one messages use ("X").
    name: str
    label: str
    description: str
    sign_in: SignIn | None = None
    sync: ApiSync | None = None
    # Module reading an account's public profile for the public opt-out (``connectors.profiles``).
    profile: str | None = None
    formats: tuple[FileFormat, ...] = field(default_factory=tuple)
    # For a network with no sign-in here: why (LinkedIn keeps its API to partners; Google+ has
    # closed), shown on a card of its own, with no button, beside its upload cards if any.
    notice: str = ""

    @property
    def key(self) -> str:
        return self.package.rpartition(".")[2]


def _load(package: str) -> Source:
    source = import_module(f"{package}.source").SOURCE
    if source.package != package:
        raise ValueError(f"{package}.source declares the package {source.package}")
    return source


@cache
def _sources(packages: tuple[str, ...]) -> tuple[Source, ...]:
    return tuple(_load(package) for package in packages)


def sources() -> tuple[Source, ...]:
    return _sources(tuple(SOURCE_PACKAGES))


def source_for_network(network: str) -> Source | None:
    return next((s for s in sources() if s.network == network), None)


def module(path: str) -> ModuleType:
    return import_module(path)


def dotted(path: str) -> Any:
    """The object a declaration names by ``module.attribute``."""
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


# --- what the rest of the service derives from the list ---------------------------------------


def file_formats() -> list[FileFormat]:
    return [f for s in sources() for f in s.formats]


def file_format(run_source: str) -> FileFormat | None:
    return next((f for f in file_formats() if f.run_source == run_source), None)


def upload_run_sources() -> tuple[str, ...]:
    return tuple(f.run_source for f in file_formats())


def run_source_choices() -> list[tuple[str, str]]:
    """The ``SyncRun.source`` choices: each API sync and each file format."""
    choices = [(s.sync.run_source, s.sync.run_label) for s in sources() if s.sync]
    return choices + [(f.run_source, f.run_label) for f in file_formats()]


def url_includes() -> list[str]:
    """URL modules to include under ``connect/``."""
    return [s.sign_in.urls for s in sources() if s.sign_in]


def task_modules() -> tuple[str, ...]:
    """Modules of the API syncs' tasks, for the worker to import (``CELERY_IMPORTS``)."""
    return tuple(dict.fromkeys(s.sync.account_task.rpartition(".")[0] for s in sources() if s.sync))


def public_sync_networks() -> list[Source]:
    """The networks whose public accounts an operator can read (``manage.py sync_identity``)."""
    return [s for s in sources() if s.sync and s.sync.public and s.network]


def profile_networks() -> list[Source]:
    """The networks whose accounts can be opted out by a code in their bio."""
    return [s for s in sources() if s.profile and s.network]
