"""The pieces of the OpenAPI description that the views share: the as-of day, If-Match, the
problem responses, and the query parameters of a page's FilterSet."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem (``application/problem+json``)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    retry_after = serializers.IntegerField(required=False)


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.STR,
    description="The day of the picture: dd/mm/yyyy or yyyy-mm-dd (default: today).",
    examples=[OpenApiExample("The 2017 wave", value="15/12/2017")],
)
YEAR = OpenApiParameter(
    "year",
    OpenApiTypes.INT,
    location=OpenApiParameter.PATH,
    description="A year from the first programme's to this one.",
    examples=[OpenApiExample("2017", value=2017)],
)
MILESTONE_EXAMPLE = OpenApiExample(
    "Done", value={"status": "done", "completed_on": "14/12/2017", "note": ""}, request_only=True
)
AUDIT_EXAMPLE = OpenApiExample(
    "An internal audit",
    value={
        "commune_code": "28873",
        "commune_since": "0",
        "kind": "internal_audit",
        "date": "01/12/2017",
        "lead": "Trần Thị B",
    },
    request_only=True,
)
ANNOUNCEMENT_EXAMPLE = OpenApiExample(
    "A first announcement",
    value={
        "commune_code": "28873",
        "commune_since": "0",
        "kind": "first",
        "decision_number": "",
        "decision_date": "12/12/2017",
        "standard": "2015",
        "scope_size": 12,
    },
    request_only=True,
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the version read, e.g. "3". Missing: 428; stale: 412.',
)
_PROBLEM = OpenApiResponse(ProblemSerializer, description="A problem (RFC 9457).")
ERRORS: dict = {}  # the problems are added to every operation by AutoSchema

DESCRIPTIONS = {
    "q": "Search: every word, accents and case aside.",
    "commune": "A unit's GSO code (on the day asked, one unit carries it).",
    "programme": "A programme's id.",
    "code": "A GSO code.",
    "district": "A district's GSO code.",
    "kind": "A kind (one of the values of the field).",
    "overdue": "1: only the overdue ones.",
}


def filter_parameters(filterset_class, *extra: str) -> list[OpenApiParameter]:
    """The query parameters of ``filterset_class`` (the page's filters) and ``extra`` ones."""
    names = list(filterset_class.base_filters) if filterset_class is not None else []
    if filterset_class is not None and hasattr(filterset_class, "commune_path"):
        names.append("district")
    names += [name for name in extra if name not in names]
    return [
        OpenApiParameter(
            name,
            OpenApiTypes.INT if name == "programme" else OpenApiTypes.STR,
            description=DESCRIPTIONS.get(name, ""),
        )
        for name in dict.fromkeys(names)
    ]


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Bearer <token>`` in the schema (and the docs' "Authorize" button)."""

    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token."}


# Every operation may answer these problems (write operations also 412 and 428).
COMMON_PROBLEMS = (400, 401, 403, 404, 405, 406, 429)
WRITE_PROBLEMS = (412, 415, 428)


class AutoSchema(BaseAutoSchema):
    """drf-spectacular's schema, with the problems every operation may answer documented."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        codes = COMMON_PROBLEMS + (WRITE_PROBLEMS if self.method != "GET" else ())
        for code in codes:
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    _PROBLEM, str(code), media_types=["application/problem+json"]
                )
        return responses
