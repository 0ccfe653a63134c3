"""The perks API: brands find influencers, make and publish perks, ship what is claimed and see
what came of it; members see the perks open to them, claim or decline one, and say it arrived.

The same services, selectors and rules as the pages (``perks.brand_views``,
``perks.member_views``, ``perks.discovery``): a brand reaches only its own perks and claims and
a member only their own claims; anyone else's answers 404 exactly like a missing one.
"""
