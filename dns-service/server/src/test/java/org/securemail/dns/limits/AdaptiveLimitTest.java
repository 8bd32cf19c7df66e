package org.securemail.dns.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The learned limit of one upstream (ADR 0080), on a clock of its own. */
class AdaptiveLimitTest {

    private static final long MS = 1_000_000L;
    private static final int CEILING = 48;

    private long now = 1_000_000 * MS;
    private final AdaptiveLimit limit = new AdaptiveLimit(8, 4, now);

    private void answers(int n) {
        for (int i = 0; i < n; i++) {
            limit.answeredFast(now, CEILING);
        }
    }

    @Test
    void fastAnswersAloneDoNotMakeItGrowWithoutCallersWaiting() {
        answers(100);

        assertThat(limit.value(CEILING)).isEqualTo(8);
    }

    @Test
    void whileCallersWaitItGrowsByOnePerLimitsWorthOfFastAnswers() {
        limit.refused(now);
        answers(8);
        assertThat(limit.value(CEILING)).as("no slow start: 8 answers at 8 add about one").isEqualTo(8);
        answers(1);
        assertThat(limit.value(CEILING)).isEqualTo(9);
        answers(90); // the square grows by two per answer: 82 + 180 = 262, about 16 squared
        assertThat(limit.value(CEILING)).isEqualTo(16);
    }

    @Test
    void demandOlderThanTheWindowNoLongerCounts() {
        limit.refused(now);
        now += AdaptiveLimit.DEMAND_WINDOW_NANOS + MS;
        answers(10);

        assertThat(limit.value(CEILING)).isEqualTo(8);
    }

    @Test
    void aTimeoutHalvesItOnceASecond() {
        limit.refused(now);
        answers(2000); // 48, the ceiling
        limit.congested(now);
        limit.congested(now + 10 * MS); // the same event: counted once
        assertThat(limit.value(CEILING)).isEqualTo(24);

        now += AdaptiveLimit.DECREASE_SPACING_NANOS;
        limit.congested(now);
        assertThat(limit.value(CEILING)).isEqualTo(12);
    }

    @Test
    void neverAboveTheCeilingNorBelowTheMinimum() {
        limit.refused(now);
        answers(2000);
        assertThat(limit.value(CEILING)).isEqualTo(CEILING);
        assertThat(limit.value(20)).as("a smaller share of the cap").isEqualTo(20);

        for (int i = 0; i < 10; i++) {
            now += AdaptiveLimit.DECREASE_SPACING_NANOS;
            limit.congested(now);
        }
        assertThat(limit.value(CEILING)).isEqualTo(4);
    }

    @Test
    void aLimitNobodyNeedsShrinksTowardsTwiceWhatWasUsed() {
        limit.refused(now);
        answers(2000); // 48
        now += AdaptiveLimit.DEMAND_WINDOW_NANOS + MS;

        now += AdaptiveLimit.TICK_NANOS;
        limit.used(3);
        limit.tick(now, 3);
        assertThat(limit.value(CEILING)).as("a tenth less per second").isEqualTo(43);

        for (int i = 0; i < 60; i++) {
            now += AdaptiveLimit.TICK_NANOS;
            limit.used(3);
            limit.tick(now, 3);
        }
        assertThat(limit.value(CEILING)).as("twice the 3 used").isEqualTo(6);
    }

    @Test
    void itDoesNotShrinkWhileCallersWait() {
        limit.refused(now);
        answers(100); // 64 + 200 = 264, about 16 squared
        now += AdaptiveLimit.TICK_NANOS;
        limit.refused(now);
        limit.tick(now, 1);

        assertThat(limit.value(CEILING)).isEqualTo(16);
    }
}
