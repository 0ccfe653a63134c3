"""Privacy: opting out of tracking, exporting one's data, deleting one's account.

Layout, one idea per module:

- ``models``: the privacy event log, opt-out challenges and data exports (app label
  ``accounts``; imported by ``accounts.models`` so that migrations see them).
- ``purge``: deleting every row about a set of identities.
- ``services``: member opt-out, identity opt-out, account deletion.
- ``selectors``: may this member be tracked; what brands may see.
- ``profiles``: reading a public profile's bio on Mastodon, Bluesky and X.
- ``challenges``: the "put this code in your bio" proof for anyone.
- ``exports``: the data-export zip.
"""
