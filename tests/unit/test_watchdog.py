from worker.stream.watchdog import Watchdog


def test_waiting_without_progress_for_the_timeout_is_a_stall():
    dog = Watchdog(stall_after=30, max_gap=15)
    assert not dog.stalled(waiting=5, progress=0, now=0)
    assert not dog.stalled(waiting=5, progress=0, now=10)
    assert not dog.stalled(waiting=5, progress=0, now=20)
    assert dog.stalled(waiting=5, progress=0, now=30)


def test_progress_or_an_empty_input_is_not_a_stall():
    dog = Watchdog(stall_after=30, max_gap=15)
    for t in range(0, 100, 10):
        assert not dog.stalled(waiting=5, progress=t, now=t)  # moving
    for t in range(100, 200, 10):
        assert not dog.stalled(waiting=0, progress=100, now=t)  # idle, nothing waiting


def test_a_gap_between_checks_starts_the_clock_again():
    """After a broker outage the first checks see old progress: that is not a stall."""
    dog = Watchdog(stall_after=30, max_gap=15)
    assert not dog.stalled(waiting=5, progress=7, now=0)
    assert not dog.stalled(waiting=5, progress=7, now=40)  # 40 s without a check
    assert not dog.stalled(waiting=5, progress=7, now=50)
    dog.unknown()  # a check that failed
    for t in (60, 70, 80):
        assert not dog.stalled(waiting=5, progress=7, now=t)
    assert dog.stalled(waiting=5, progress=7, now=90)
