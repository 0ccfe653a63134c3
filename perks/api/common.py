"""What the perks API's endpoints share: strict JSON fields, cursor pages, refusals as 409s."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from klout.api import ApiView, Conflict, Cursor
from perks import claims
from perks.models import Perk

PERK_READS, PERK_WRITES, CLAIM_WRITES = "perks:read", "perks:write", "claims:write"


# --- helpers shared by the endpoints ----------------------------------------------------------


class JsonCharField(serializers.CharField):
    """Text, and only text: DRF's own field would take the number 42 as "42"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class JsonIntegerField(serializers.IntegerField):
    """A JSON whole number, not "42" nor 42.0 nor true."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class JsonBooleanField(serializers.BooleanField):
    """true or false, not 0, 1 nor "yes"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class Pages(Cursor):
    """The API's cursor pages, with a ``page_size`` that is a whole number from 1 to the maximum or
    a 400 (DRF's own quietly falls back to the default)."""

    def get_page_size(self, request: Request) -> int:
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        size = int(given) if given.isascii() and given.isdigit() else 0
        if size < 1:
            raise serializers.ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return min(size, self.max_page_size)


@contextmanager
def refusals_as_conflicts() -> Iterator[None]:
    """A claim the state of things refuses (all claimed, already declined, shipped): a 409 saying why."""
    try:
        yield
    except claims.ClaimRefused as refused:
        raise Conflict(str(refused)) from None


def image_url(request: Request, perk: Perk) -> str | None:
    # Served by the page's own view, which lets in only the brand's team and the members who
    # may see the perk: the media folder is not public.
    if not perk.image:
        return None
    return request.build_absolute_uri(reverse("perks:perk_image", args=[perk.pk]))


def paginated(request: Request, view: ApiView, queryset: QuerySet, serializer_class) -> Response:
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)


# Bodies are JSON; an image is uploaded on the perk's page.
JSON_ONLY = [JSONParser]
# The cursor pages' own parameters.
PAGE_QUERY = ("cursor", "page_size")
PERK_PATH = OpenApiParameter("perk_id", int, OpenApiParameter.PATH, description="The perk's id.")
CLAIM_PATH = OpenApiParameter("claim_id", int, OpenApiParameter.PATH, description="The claim's id.")
