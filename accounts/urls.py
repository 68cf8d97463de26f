from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import phone_views, views
from accounts.forms import LoginForm
from twofactor.views import TwoStepLoginView

app_name = "accounts"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_done, name="register_done"),
    path("confirm/", views.confirm_email_resend, name="confirm_email_resend"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    # The password, then (with a confirmed TOTP device) the code: twofactor/.
    path("login/", TwoStepLoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    path("password/change/", auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change_form.html",
        success_url=reverse_lazy("accounts:password_change_done")), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/password_change_done.html"), name="password_change_done"),
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path("phone/", phone_views.phone_sign_in, name="phone_sign_in"),
    path("phone/code/", phone_views.phone_code, name="phone_code"),
    path("settings/phone/", phone_views.phone_settings, name="phone_settings"),
    path("password/set/", phone_views.password_set, name="password_set"),
]
