"""A program signs its user in with a mobile number as the site does: a
code texted to the number, then the code for an API token. Staff accounts
make tokens from the site, after their two-factor code."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.limits import code_over_limit
from accounts.phone_codes import phone_code_check, phone_code_send
from accounts.phones import normalise_mobile
from accounts.services import user_sign_in_by_phone
from api.errors import api_exception, error_responses
from api.serializers import TokenCreatedSerializer
from api.services import token_create
from portal.errors import DomainError
from twofactor.policy import is_staff_account


def _mobile(value: str) -> str:
    phone = normalise_mobile(value)
    if phone is None:
        raise serializers.ValidationError(
            _("Enter a mobile number: 11 digits for a mainland number, or + and the country code for another."))
    return phone


class PhoneCodeRequestSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=30, help_text="A mainland number as 11 digits, any other in E.164.")

    def validate_phone(self, value):
        return _mobile(value)


class PhoneTokenSerializer(PhoneCodeRequestSerializer):
    code = serializers.RegexField(r"^\d{6}$", help_text="The six-digit code texted to the number.")
    name = serializers.CharField(max_length=100, help_text="What the token is for.")


class PhoneCodeSentSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PhoneCodeView(APIView):
    # Open to anyone; a staff session still passes its two-factor code first.
    permission_classes = [AllowAny]

    @extend_schema(operation_id="phone_code_send", summary="Text a sign-in code to a mobile number",
                   description="The same answer whether or not the number has an account. Limited per number "
                               "and per client (429 with Retry-After).",
                   request=PhoneCodeRequestSerializer, responses={202: PhoneCodeSentSerializer, **error_responses(429)})
    def post(self, request):
        incoming = PhoneCodeRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        phone = incoming.validated_data["phone"]
        limited = code_over_limit(request, phone=phone)
        if limited is not None:
            raise exceptions.Throttled(wait=limited.retry_after)
        try:
            phone_code_send(phone=phone, language=request.LANGUAGE_CODE)
        except DomainError as error:
            raise exceptions.APIException(error.message) from None
        return Response({"detail": _("A code is on its way to the number.")}, status=status.HTTP_202_ACCEPTED)


class PhoneTokenView(APIView):
    # Open to anyone; a staff session still passes its two-factor code first.
    permission_classes = [AllowAny]

    @extend_schema(operation_id="phone_token_create", summary="Create an API token with a texted code",
                   description="Signs in the account that confirmed the number, or opens one, as the site does, "
                               "and answers its new token (`key`, shown this once). Staff accounts are refused: "
                               "they create tokens from the site after their two-factor code.",
                   request=PhoneTokenSerializer, responses={201: TokenCreatedSerializer, **error_responses()})
    def post(self, request):
        incoming = PhoneTokenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if not phone_code_check(phone=data["phone"], code=data["code"]):
            raise exceptions.ValidationError(
                {"code": [_("That code is wrong or no longer valid. Check the text, or ask for a new code.")]})
        try:
            user, _created = user_sign_in_by_phone(phone=data["phone"], language=request.LANGUAGE_CODE)
            if is_staff_account(user):
                raise exceptions.PermissionDenied(
                    _("Staff accounts create tokens from the site, after their two-factor code."))
            token, key = token_create(actor=user, user=user, name=data["name"])
        except DomainError as error:
            raise api_exception(error) from None
        token.key = key
        return Response(TokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)
