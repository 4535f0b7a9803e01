// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an answer body into an {@link ApiRecord} tree: strict UTF-8, strict JSON (no comments, no single quotes,
 * nothing after the top-level object) and at most {@value #MAX_DEPTH} levels of nesting, so a hostile or broken body
 * ends in a protocol error instead of a stack overflow. The body's size was capped by the transport already.
 */
final class JsonAnswer {
    // Real answers nest four or five levels deep.
    static final int MAX_DEPTH = 32;
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private JsonAnswer() {
    }

    /** The top-level object of {@code body}; throws {@link Malformed} naming the problem. */
    static ApiRecord parse(ApiCommand command, int httpStatus, byte[] body) throws Malformed {
        String text = decode(body);
        if (!text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            throw new Malformed("the body is empty");
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setLenient(false);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw new Malformed("the body is not a JSON object but " + reader.peek());
            }
            ApiRecord root = readObject(reader, ApiRecord.builder(command.wireName(), httpStatus, ""), 1);
            if (hasTrailingData(reader)) {
                throw new Malformed("data follows the JSON object");
            }
            return root;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Gson's messages name the position and path, never the content.
            throw new Malformed("invalid JSON: " + e.getMessage());
        }
    }

    // Strict mode refuses a second top-level value by throwing from peek(); either way it is trailing data.
    private static boolean hasTrailingData(JsonReader reader) {
        try {
            return reader.peek() != JsonToken.END_DOCUMENT;
        } catch (IOException e) {
            return true;
        }
    }

    private static String decode(byte[] body) throws Malformed {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("the body is not valid UTF-8");
        }
    }

    private static ApiRecord readObject(JsonReader reader, ApiRecord.Builder record, int depth)
            throws IOException, Malformed {
        checkDepth(depth);
        reader.beginObject();
        while (reader.hasNext()) {
            String name = reader.nextName();
            String childPath = record.path().isEmpty() ? name : record.path() + "." + name;
            switch (reader.peek()) {
                case BEGIN_OBJECT:
                    record.object(name, readObject(reader, child(record, childPath), depth + 1));
                    break;
                case BEGIN_ARRAY:
                    record.array(name, readArray(reader, record, childPath, depth + 1));
                    break;
                case NULL:
                    reader.nextNull();
                    record.nullValue(name);
                    break;
                default:
                    record.value(name, readPrimitive(reader));
                    break;
            }
        }
        reader.endObject();
        return record.build();
    }

    private static List<Object> readArray(JsonReader reader, ApiRecord.Builder parent, String path, int depth)
            throws IOException, Malformed {
        checkDepth(depth);
        List<Object> elements = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
            String elementPath = path + "[" + elements.size() + "]";
            switch (reader.peek()) {
                case BEGIN_OBJECT:
                    elements.add(readObject(reader, child(parent, elementPath), depth + 1));
                    break;
                case BEGIN_ARRAY:
                    // validated, then dropped: no command nests arrays
                    readArray(reader, parent, elementPath, depth + 1);
                    elements.add(null);
                    break;
                case NULL:
                    reader.nextNull();
                    elements.add(null);
                    break;
                default:
                    elements.add(readPrimitive(reader));
                    break;
            }
        }
        reader.endArray();
        return elements;
    }

    // Numbers keep their literal text (10240.0 stays "10240.0"); booleans become "true"/"false".
    private static String readPrimitive(JsonReader reader) throws IOException {
        return reader.peek() == JsonToken.BOOLEAN ? Boolean.toString(reader.nextBoolean()) : reader.nextString();
    }

    private static ApiRecord.Builder child(ApiRecord.Builder parent, String path) {
        return ApiRecord.builder(parent.command(), parent.httpStatus(), path);
    }

    private static void checkDepth(int depth) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw new Malformed("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** Why a body could not be read as JSON. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String problem) {
            super(problem, null, false, false);
        }
    }
}
