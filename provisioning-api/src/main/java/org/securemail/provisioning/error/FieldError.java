package org.securemail.provisioning.error;

/** One invalid input field: {@code field} is the JSON path or parameter name. */
public record FieldError(String field, String message) {
}
