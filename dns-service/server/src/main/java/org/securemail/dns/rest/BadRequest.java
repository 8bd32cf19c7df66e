package org.securemail.dns.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/** A 400 answered as application/problem+json (RFC 9457). */
public class BadRequest extends WebApplicationException {

    public BadRequest(String title, String detail) {
        super(title, null, Response.status(400)
                .type("application/problem+json")
                .entity(problem(title, detail))
                .build());
    }

    private static Map<String, Object> problem(String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", 400);
        problem.put("detail", detail);
        return problem;
    }
}
