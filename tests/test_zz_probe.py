from tests.conftest import Harness
async def test_probe(harness: Harness) -> None:
    h = harness
    print(await h.type("/cancel-account", "CRM"))
    print(await h.type("/cancel-account"))
    print(await h.type("我要停用CRM"))
    print(await h.type("too expensive", "2026-12-31", "yes", "none", "refund", "no", "none"))
    print(await h.type("/click Submit", "/click Submit"))
    print(await h.store.redis.ttl(h.store.keys.dialogue("console:employee")))
