"""Who the caller is, and their API tokens."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import user_roles
from api.authentication import TwoFactorRequired
from api.errors import api_exception, error_responses
from api.models import ApiToken
from api.pagination import ApiPagination
from api.selectors import tokens_of
from api.serializers import MeSerializer, TokenCreatedSerializer, TokenCreateSerializer, TokenSerializer
from api.services import token_create, token_revoke
from portal.errors import DomainError
from twofactor.policy import awaits_two_factor


class MeView(APIView):
    @extend_schema(operation_id="me", summary="Who I am: my roles and departments",
                   responses={200: MeSerializer, **error_responses()})
    def get(self, request):
        user = request.user
        memberships = user.memberships.select_related("department").order_by("department__code")
        return Response(MeSerializer({
            "id": user.pk, "email": user.email, "phone": user.phone if user.phone_confirmed else None,
            "full_name": user.full_name, "is_superuser": user.is_superuser,
            "roles": sorted(user_roles(user)), "memberships": memberships,
        }).data)


class TokenListView(ListAPIView):
    serializer_class = TokenSerializer
    pagination_class = ApiPagination

    def get_queryset(self):
        return tokens_of(self.request.user)

    @extend_schema(operation_id="tokens_list", summary="My API tokens",
                   responses={200: TokenSerializer(many=True), **error_responses(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="tokens_create", summary="Create an API token",
                   description="Only from a logged-in browser session (a token cannot make more tokens). The "
                               "token is in the answer's `key`, shown this once.",
                   request=TokenCreateSerializer, responses={201: TokenCreatedSerializer, **error_responses()})
    def post(self, request, *args, **kwargs):
        if isinstance(request.auth, ApiToken):
            raise exceptions.PermissionDenied(_("Create tokens from your account page, logged in, not with a token."))
        if awaits_two_factor(request.user):  # whatever authenticated the session
            raise TwoFactorRequired()
        incoming = TokenCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            token, key = token_create(actor=request.user, user=request.user, name=incoming.validated_data["name"])
        except DomainError as error:
            raise api_exception(error) from None
        token.key = key
        return Response(TokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)


class TokenRevokeView(APIView):
    @extend_schema(operation_id="tokens_revoke", summary="Revoke one of my API tokens",
                   parameters=[OpenApiParameter("token_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
                   request=None, responses={200: TokenSerializer, **error_responses(404)})
    def post(self, request, token_id):
        if not tokens_of(request.user).filter(pk=token_id).exists():
            raise exceptions.NotFound(_("You have no token with that id."))
        return Response(TokenSerializer(token_revoke(actor=request.user, token_id=token_id)).data)


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Every other address under /api/v1/: 404 in the API's error shape."""

    permission_classes = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # still authenticated and rate limited
        raise exceptions.NotFound(_("There is nothing at this address in the API."))
