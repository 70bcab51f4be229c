import asyncio
import gc


def test_the_worker_freezes_what_startup_left_alive_for_the_garbage_collector():
    """Full collections would otherwise walk every object of Faust and the table again."""
    from worker.settings import Settings
    from worker.stream.app import create_app, faust_worker

    settings = Settings()
    worker = faust_worker(create_app(settings), settings)
    gc.unfreeze()
    try:
        asyncio.run(worker.on_startup_finished())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
