package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.securemail.testing.ServiceProcess;

/** The provisioning REST API as a client calls it, with an operator API key (java.net.http, JSON as text). */
final class OperatorApi {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ServiceProcess api;
    private final String operatorKey;

    OperatorApi(ServiceProcess api, String operatorKey) {
        this.api = api;
        this.operatorKey = operatorKey;
    }

    /** POSTs {@code json}; the reply must be 200 or 201; returns its body. */
    String post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isBetween(200, 201);
        return response.body();
    }

    /** The body of a GET, whatever its status. */
    String get(String path) throws IOException, InterruptedException {
        return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The {@code "id"} of a created resource. */
    static String id(String json) {
        return json.replaceAll("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    /** A string field of a JSON object ({@code "key"} of a created API key, say). */
    static String field(String json, String name) {
        return json.replaceAll("(?s).*\"" + name + "\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.httpPort() + path))
                .header("Authorization", "Bearer " + operatorKey);
    }
}
