"""Chat providers, chosen by AI_PROVIDER."""

from app.chat.providers.base import ChatProvider, ProviderError, Turn
from app.core.config import Settings

__all__ = ["ChatProvider", "ProviderError", "Turn", "make_provider"]


def make_provider(settings: Settings) -> ChatProvider:
    """The provider AI_PROVIDER names; remote SDKs are imported only when used."""
    if settings.ai_provider == "local":
        from app.chat.providers.local import LocalChatProvider

        return LocalChatProvider()
    if settings.ai_provider == "anthropic":
        from app.chat.providers.remote import AnthropicChatProvider

        return AnthropicChatProvider(settings)
    from app.chat.providers.remote import OpenAIChatProvider

    return OpenAIChatProvider(settings)
