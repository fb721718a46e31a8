"""The Todo Chatbot backend."""

__version__ = "0.1.0"
