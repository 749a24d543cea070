"""Sign in to a class server: the class password, or the school's login (OpenID Connect)."""

import streamlit as st

from playground import ui
from playground.classroom.access import TooManyTries
from playground.text import escape_markdown

config = ui.class_config()
st.title(config.title)
if config.welcome:
    st.markdown(config.welcome)

if config.access.mode == "password":
    with st.form("sign-in", border=True):
        st.markdown("This playground is for a class. Enter the password your instructor gave you.")
        password = st.text_input("Class password", type="password")
        if st.form_submit_button("Sign in", type="primary", icon=":material/login:"):
            try:
                if ui.try_password(password):
                    st.rerun()
                st.error("That password is not right. Check it with your instructor and try again.")
            except TooManyTries as error:
                st.error(str(error), icon=":material/timer:")
else:  # oidc
    user = st.user
    if getattr(user, "is_logged_in", False):
        allowed = ", ".join(config.access.allowed_domains) or "listed instructors"
        st.error(f"{escape_markdown(user.email)} may not use this class's playground (allowed: "
                 f"{escape_markdown(allowed)}).")
        if st.button("Sign out"):
            st.logout()
    else:
        st.markdown("Sign in with your school account to use this class's playground.")
        if st.button("Sign in", type="primary", icon=":material/login:"):
            st.login()
