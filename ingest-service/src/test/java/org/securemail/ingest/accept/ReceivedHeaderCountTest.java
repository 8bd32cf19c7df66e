package org.securemail.ingest.accept;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ReceivedHeaderCountTest {

    private static int count(String message) {
        return ReceivedHeader.count(message.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void countsReceivedHeadersOfTheHeaderSectionOnly() {
        assertThat(count("Received: a\r\n\tfolded by b\r\nRECEIVED: c\r\nReceived : d\r\nSubject: x\r\n\r\n"
                + "Received: in the body\r\n")).isEqualTo(3);
    }

    @Test
    void otherHeadersThatStartAlikeAreNotHops() {
        assertThat(count("Received-SPF: pass\r\nX-Received: a\r\nReceivedx: b\r\nReceived\r\n\r\n")).isZero();
    }

    @Test
    void aMessageWithoutBodyOrFinalLineEndIsCounted() {
        assertThat(count("Received: a\r\nReceived: b")).isEqualTo(2);
        assertThat(count("")).isZero();
    }
}
