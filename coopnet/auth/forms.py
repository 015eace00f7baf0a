"""Sign-in form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from coopnet.validators import EmailAddress


class LoginForm(FlaskForm):
    """E-mail and password of a staff member or coordinator."""

    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")),
                    EmailAddress(),
                    Length(max=254)],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                        Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class MemberLinkForm(FlaskForm):
    """The e-mail address of a contact person of a member co-op."""

    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")), EmailAddress(),
                    Length(max=254)],
    )
    # where to go after signing in (a path on this site, e.g. the event to register for)
    next = HiddenField(validators=[Length(max=200)])
    submit = SubmitField(_l("Send me a sign-in link"))


class ConfirmSignInForm(FlaskForm):
    """A button: signing in takes a POST, so a link preview cannot use the link up."""

    submit = SubmitField(_l("Sign in"))
