"""Sign in to a class server: the class password, or the school's login (OpenID Connect)."""

import streamlit as st

from playground import ui

config = ui.class_config()
st.title(config.title)
if config.welcome:
    st.markdown(config.welcome)

if config.access.mode == "password":
    with st.form("sign-in", border=True):
        st.markdown("This playground is for a class. Enter the password your instructor gave you.")
        password = st.text_input("Class password", type="password")
        if st.form_submit_button("Sign in", type="primary", icon=":material/login:"):
            if ui.try_password(password):
                st.rerun()
            st.error("That password is not right. Check it with your instructor and try again.")
else:  # oidc
    user = st.user
    if getattr(user, "is_logged_in", False):
        st.error(f"{user.email} may not use this class's playground (allowed: "
                 f"{', '.join(config.access.allowed_domains) or 'listed instructors'}).")
        if st.button("Sign out"):
            st.logout()
    else:
        st.markdown("Sign in with your school account to use this class's playground.")
        if st.button("Sign in", type="primary", icon=":material/login:"):
            st.login()
