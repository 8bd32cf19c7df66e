package org.securemail.ingest.inspect.content;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.securemail.ingest.inspect.content.ScanVerdict.Symbol;

/**
 * Reads rspamd's {@code /checkv2} JSON reply into a {@link ScanVerdict}. Required: {@code action} (a known name),
 * {@code score} and {@code required_score} (finite numbers). Optional: {@code symbols} (an object of objects with
 * {@code score} and {@code options}) and {@code messages.smtp_message}. Anything else is a BAD_REPLY verdict, never
 * an exception.
 */
final class RspamdReply {

    static final int MAX_OPTIONS_PER_SYMBOL = 16;
    static final int MAX_TEXT = 512;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RspamdReply() {
    }

    static ScanVerdict parse(byte[] body, int maxSymbols) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException | RuntimeException e) {
            return ScanVerdict.failed(ScanProblem.BAD_REPLY, "reply is not JSON: " + clip(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return ScanVerdict.failed(ScanProblem.BAD_REPLY, "reply is not a JSON object");
        }
        JsonNode actionNode = root.get("action");
        if (actionNode == null || !actionNode.isTextual()) {
            return ScanVerdict.failed(ScanProblem.BAD_REPLY, "reply has no action");
        }
        Optional<RspamdAction> action = RspamdAction.fromWire(actionNode.textValue());
        if (action.isEmpty()) {
            return ScanVerdict.failed(ScanProblem.BAD_REPLY, "unknown action '" + clip(actionNode.textValue()) + "'");
        }
        Optional<Double> score = finite(root.get("score"));
        Optional<Double> required = finite(root.get("required_score"));
        if (score.isEmpty() || required.isEmpty()) {
            return ScanVerdict.failed(ScanProblem.BAD_REPLY, "reply has no numeric score and required_score");
        }
        return new ScanVerdict(action.get().action(), score.get(), required.get(),
                symbols(root.get("symbols"), maxSymbols), smtpMessage(root.get("messages")), ScanProblem.NONE);
    }

    /** The text of an rspamd error reply ({@code {"error": "..."}}), if the body is one. */
    static String errorText(byte[] body) {
        try {
            JsonNode error = JSON.readTree(body).get("error");
            return error != null && error.isTextual() ? clip(error.textValue()) : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static List<Symbol> symbols(JsonNode node, int maxSymbols) {
        List<Symbol> symbols = new ArrayList<>();
        if (node == null || !node.isObject()) {
            return symbols;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext() && symbols.size() < maxSymbols) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (!value.isObject()) {
                continue;
            }
            symbols.add(new Symbol(clip(field.getKey()), finite(value.get("score")).orElse(0.0),
                    options(value.get("options"))));
        }
        return symbols;
    }

    private static List<String> options(JsonNode node) {
        List<String> options = new ArrayList<>();
        if (node == null || !node.isArray()) {
            return options;
        }
        for (JsonNode option : node) {
            if (options.size() >= MAX_OPTIONS_PER_SYMBOL) {
                break;
            }
            if (option.isValueNode()) {
                options.add(clip(option.asText()));
            }
        }
        return options;
    }

    private static String smtpMessage(JsonNode messages) {
        if (messages == null || !messages.isObject()) {
            return "";
        }
        JsonNode smtp = messages.get("smtp_message");
        return smtp != null && smtp.isTextual() ? clip(smtp.textValue()) : "";
    }

    private static Optional<Double> finite(JsonNode node) {
        if (node == null || !node.isNumber() || !Double.isFinite(node.doubleValue())) {
            return Optional.empty();
        }
        return Optional.of(node.doubleValue());
    }

    static String clip(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }
}
