package org.securemail.ingest.inspect.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.ingest.inspect.content.ScanVerdict.Action;

/** rspamd's /checkv2 JSON, well formed and not, into verdicts. */
class RspamdReplyTest {

    private static ScanVerdict parse(String json) {
        return RspamdReply.parse(json.getBytes(StandardCharsets.UTF_8), 256);
    }

    private static String reply(String action) {
        return "{\"action\":\"" + action + "\",\"score\":3.5,\"required_score\":15.0}";
    }

    @ParameterizedTest
    @CsvSource({
        "no action, ACCEPT",
        "greylist, ACCEPT",
        "add header, TAG",
        "rewrite subject, TAG",
        "soft reject, TEMPFAIL",
        "reject, REJECT"
    })
    void rspamdActionsMapToThePlatformsPolicies(String wire, Action expected) {
        ScanVerdict verdict = parse(reply(wire));
        assertThat(verdict.action()).isEqualTo(expected);
        assertThat(verdict.problem()).isEqualTo(ScanProblem.NONE);
        assertThat(verdict.score()).isEqualTo(3.5);
        assertThat(verdict.requiredScore()).isEqualTo(15.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"discard", "quarantine", "REJECT", "", "no  action"})
    void unknownActionIsABadReply(String wire) {
        ScanVerdict verdict = parse(reply(wire));
        assertThat(verdict.action()).isEqualTo(Action.SCAN_FAILED);
        assertThat(verdict.problem()).isEqualTo(ScanProblem.BAD_REPLY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "[]",
        "null",
        "\"reject\"",
        "{\"action\":\"reject\"}",
        "{\"action\":\"reject\",\"score\":\"15\",\"required_score\":15}",
        "{\"action\":\"reject\",\"score\":1e999,\"required_score\":15}",
        "{\"action\":7,\"score\":1,\"required_score\":15}",
        "{\"action\":\"reject\",\"score\":1,\"required_score\":15",
        "{\"action\":\"reject\",\"score\":1,\"required_score\":15}}}garbage"
    })
    void malformedRepliesAreBadRepliesNotExceptions(String json) {
        assertThat(parse(json).problem()).isEqualTo(ScanProblem.BAD_REPLY);
    }

    @Test
    void deeplyNestedJsonIsABadReplyOrIgnored() {
        String nested = "[".repeat(100_000) + "]".repeat(100_000);
        assertThat(parse("{\"action\":\"reject\",\"score\":1,\"required_score\":15,\"x\":" + nested + "}").problem())
                .isIn(ScanProblem.BAD_REPLY, ScanProblem.NONE);
        assertThat(parse(nested).problem()).isEqualTo(ScanProblem.BAD_REPLY);
    }

    @Test
    void symbolsKeepNameScoreAndOptionsInOrder() {
        ScanVerdict verdict = parse("{\"action\":\"add header\",\"score\":7,\"required_score\":15,\"symbols\":{"
                + "\"R_SPF_FAIL\":{\"name\":\"R_SPF_FAIL\",\"score\":1.5,\"options\":[\"-all\"]},"
                + "\"MIME_GOOD\":{\"name\":\"MIME_GOOD\",\"score\":-0.1,\"options\":[\"text/plain\",42]},"
                + "\"ODD\":{\"name\":\"ODD\"},\"NOT_AN_OBJECT\":3}}");
        assertThat(verdict.symbols()).extracting(ScanVerdict.Symbol::name)
                .containsExactly("R_SPF_FAIL", "MIME_GOOD", "ODD");
        assertThat(verdict.symbol("MIME_GOOD").orElseThrow().score()).isEqualTo(-0.1);
        assertThat(verdict.symbol("MIME_GOOD").orElseThrow().options()).containsExactly("text/plain", "42");
        assertThat(verdict.symbol("ODD").orElseThrow().score()).isZero();
    }

    @Test
    void symbolsAndOptionsAreBounded() {
        StringBuilder json = new StringBuilder("{\"action\":\"no action\",\"score\":0,\"required_score\":15,"
                + "\"symbols\":{");
        for (int i = 0; i < 500; i++) {
            json.append(i == 0 ? "" : ",").append("\"S").append(i).append("\":{\"score\":0,\"options\":[");
            for (int j = 0; j < 40; j++) {
                json.append(j == 0 ? "" : ",").append("\"").append("o".repeat(1000)).append("\"");
            }
            json.append("]}");
        }
        ScanVerdict verdict = RspamdReply.parse(json.append("}}").toString().getBytes(StandardCharsets.UTF_8), 100);
        assertThat(verdict.symbols()).hasSize(100);
        assertThat(verdict.symbols().get(0).options()).hasSize(RspamdReply.MAX_OPTIONS_PER_SYMBOL);
        assertThat(verdict.symbols().get(0).options().get(0)).hasSizeLessThan(RspamdReply.MAX_TEXT + 10);
    }

    @Test
    void smtpMessageBecomesTheVerdictsMessage() {
        ScanVerdict verdict = parse("{\"action\":\"reject\",\"score\":15,\"required_score\":15,"
                + "\"messages\":{\"smtp_message\":\"Gtube pattern\"}}");
        assertThat(verdict.message()).isEqualTo("Gtube pattern");
        assertThat(parse(reply("reject")).message()).isEmpty();
    }

    @Test
    void errorTextIsReadFromAnErrorReplyOnly() {
        assertThat(RspamdReply.errorText("{\"error\":\"invalid command\"}".getBytes())).isEqualTo("invalid command");
        assertThat(RspamdReply.errorText("<html>".getBytes())).isEmpty();
        assertThat(RspamdReply.errorText("{\"error\":{}}".getBytes())).isEmpty();
    }
}
