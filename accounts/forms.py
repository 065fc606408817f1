from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.signals import user_login_failed


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。注意密码区分大小写；连续输错多次账号将被暂时锁定。",
        "inactive": "该账号已停用，请联系管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """A wrong old password counts as a failed login (django-axes): five in a row lock the account,
    so a session left open on a shared PC cannot be used to guess the password."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean_old_password(self):
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            if self.request is not None:
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": self.user.get_username()},
                    request=self.request,
                )
            raise


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """An administrator setting a new password also lifts the account's login lockout."""

    def save(self, commit=True):
        from axes.utils import reset

        user = super().save(commit=commit)
        reset(username=user.get_username())  # the admin's own log records the password change
        return user


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name
