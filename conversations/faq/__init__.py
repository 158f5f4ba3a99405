"""The FAQ: knowledge base model, text features and the matcher. Pure, platform-free."""
