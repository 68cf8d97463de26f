from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from twofactor.views import TwoStepLoginView

app_name = "accounts"
urlpatterns = [
    path("register/", views.register, name="register"),
    # The password, then (with a confirmed TOTP device) the code: twofactor/.
    path("login/", TwoStepLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
]
