// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The server's XML answer for requests without {@code response=json}; no client uses it, so it stays minimal. */
final class XmlRendering {
    static final String CONTENT_TYPE = "text/xml; charset=ISO-8859-1";

    private XmlRendering() {
    }

    static byte[] render(String envelope, JsonObject payload) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>");
        xml.append('<').append(envelope).append(" cloud-stack-version=\"").append(JsonViews.VERSION).append("\">");
        appendFields(xml, payload);
        xml.append("</").append(envelope).append('>');
        return xml.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void appendFields(StringBuilder xml, JsonObject object) {
        for (Map.Entry<String, JsonElement> field : object.entrySet()) {
            if (field.getValue().isJsonArray()) {
                field.getValue().getAsJsonArray().forEach(item -> appendElement(xml, field.getKey(), item));
            } else {
                appendElement(xml, field.getKey(), field.getValue());
            }
        }
    }

    private static void appendElement(StringBuilder xml, String name, JsonElement value) {
        xml.append('<').append(name).append('>');
        if (value.isJsonObject()) {
            appendFields(xml, value.getAsJsonObject());
        } else if (!value.isJsonNull()) {
            xml.append(escape(value.getAsString()));
        }
        xml.append("</").append(name).append('>');
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
