package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageBufferTest {

    @Test
    void reservesFromTheSharedBudgetAndGivesItBack() {
        MessageBudget budget = new MessageBudget(10_000);
        MessageBuffer a = new MessageBuffer(1_000_000, 1024, budget);
        a.append(new byte[3000], 0, 3000);
        assertThat(a.starved()).isFalse();
        assertThat(budget.available()).isLessThanOrEqualTo(10_000 - 3000);
        a.release();
        a.release(); // idempotent
        assertThat(budget.available()).isEqualTo(10_000);
    }

    @Test
    void starvesWhenTheBudgetIsExhaustedAndStopsStoring() {
        MessageBudget budget = new MessageBudget(8_000);
        MessageBuffer hog = new MessageBuffer(1_000_000, 6_000, budget);
        MessageBuffer late = new MessageBuffer(1_000_000, 1024, budget);
        late.append(new byte[5_000], 0, 5_000);
        assertThat(late.starved()).isTrue();
        assertThat(late.offered()).isEqualTo(5_000);
        assertThat(late.length()).isLessThan(5_000);
        late.release();
        hog.release();
        assertThat(budget.available()).isEqualTo(8_000);
    }

    @Test
    void decoderReportsStarvationAsNoStorage() {
        MessageBuffer buffer = new MessageBuffer(1_000_000, 256, new MessageBudget(1_000));
        DataDecoder decoder = new DataDecoder(buffer, 998);
        byte[] body = ("x".repeat(100) + "\r\n").repeat(20).concat(".\r\n").getBytes();
        assertThat(decoder.feed(body, 0, body.length)).isEqualTo(body.length);
        assertThat(decoder.defect()).isEqualTo(DataDecoder.Defect.NO_STORAGE);
    }
}
