from streamlit import fragment as a, fragment as b
