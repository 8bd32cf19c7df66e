package org.securemail.provisioning.domain;

import java.util.List;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import org.securemail.common.provisioning.NextHop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Small lists stored as JSON text columns: they are always read and written with their domain. */
public final class JsonListConverters {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonListConverters() {
    }

    @Converter
    public static class NextHops implements AttributeConverter<List<NextHop>, String> {

        @Override
        public String convertToDatabaseColumn(List<NextHop> hops) {
            return write(hops == null ? List.of() : hops);
        }

        @Override
        public List<NextHop> convertToEntityAttribute(String column) {
            return read(column, new TypeReference<List<NextHop>>() {
            });
        }
    }

    @Converter
    public static class Strings implements AttributeConverter<List<String>, String> {

        @Override
        public String convertToDatabaseColumn(List<String> values) {
            return write(values == null ? List.of() : values);
        }

        @Override
        public List<String> convertToEntityAttribute(String column) {
            return read(column, new TypeReference<List<String>>() {
            });
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> read(String column, TypeReference<List<T>> type) {
        if (column == null || column.isBlank()) {
            return List.of();
        }
        try {
            return List.copyOf(JSON.readValue(column, type));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt JSON column: " + column, e);
        }
    }
}
