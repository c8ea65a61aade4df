from streamlit import fragment, fragment as b
