import streamlit as st
from _oracle_mark import mark

mark("page:target")
st.markdown("target-page")
mark("page:target:end")
