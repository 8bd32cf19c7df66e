package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageBufferTest {

    @Test
    void reservesFromTheSharedBudgetAndGivesItBack() {
        MessageBudget budget = new MessageBudget(10_000);
        MessageBuffer a = new MessageBuffer(1_000_000, budget);
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
        MessageBuffer hog = new MessageBuffer(1_000_000, budget);
        hog.append(new byte[6_000], 0, 6_000);
        MessageBuffer late = new MessageBuffer(1_000_000, budget);
        late.append(new byte[5_000], 0, 5_000);
        assertThat(late.starved()).isTrue();
        assertThat(late.offered()).isEqualTo(5_000);
        assertThat(late.length()).isLessThan(5_000);
        late.release();
        hog.release();
        assertThat(budget.available()).isEqualTo(8_000);
    }

    @Test
    void reservesWhatArrivesNotWhatTheLimitAllows() {
        MessageBudget budget = new MessageBudget(64L * 1024 * 1024);
        MessageBuffer buffer = new MessageBuffer(26_214_400, budget);
        assertThat(budget.available()).as("nothing before the first byte").isEqualTo(budget.limit());
        buffer.append(new byte[300], 0, 300);
        assertThat(buffer.reserved()).isEqualTo(MessageBuffer.FIRST_CHUNK);
        for (int i = 0; i < 600; i++) {
            buffer.append(new byte[1000], 0, 1000); // 600 kB more, in the pieces a socket delivers
        }
        assertThat(buffer.length()).isEqualTo(600_300);
        assertThat(buffer.reserved()).isEqualTo(budget.limit() - budget.available())
                .isBetween(600_300L, 600_300L + MessageBuffer.MAX_CHUNK);
        buffer.release();
        assertThat(budget.available()).isEqualTo(budget.limit());
    }

    @Test
    void keepsTheBytesInOrderAcrossChunks() {
        MessageBuffer buffer = new MessageBuffer(1_000_000);
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        buffer.append(data[0]);
        buffer.append(data, 1, 99_999);
        buffer.append(data, 100_000, 200_000);
        assertThat(buffer.toByteArray()).isEqualTo(data);
        long reserved = buffer.reserved();
        assertThat(buffer.takeBytes()).isEqualTo(data);
        assertThat(buffer.reserved()).as("the array stands for the chunks").isEqualTo(reserved);
    }

    @Test
    void storesNothingPastItsLimitAndReservesNothingForIt() {
        MessageBudget budget = new MessageBudget(1_000_000);
        MessageBuffer buffer = new MessageBuffer(5_000, budget);
        buffer.append(new byte[20_000], 0, 20_000);
        assertThat(buffer.overflowed()).isTrue();
        assertThat(buffer.length()).isEqualTo(5_000);
        assertThat(buffer.reserved()).isEqualTo(5_000);
    }

    @Test
    void decoderReportsStarvationAsNoStorage() {
        MessageBuffer buffer = new MessageBuffer(1_000_000, new MessageBudget(1_000));
        DataDecoder decoder = new DataDecoder(buffer, 998);
        byte[] body = ("x".repeat(100) + "\r\n").repeat(20).concat(".\r\n").getBytes();
        assertThat(decoder.feed(body, 0, body.length)).isEqualTo(body.length);
        assertThat(decoder.defect()).isEqualTo(DataDecoder.Defect.NO_STORAGE);
    }
}
