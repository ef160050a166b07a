package org.eventscheduler.topology;

import java.nio.charset.StandardCharsets;

/** Builds CloudEvents as upstream producers would write them, for tests. */
public final class Events {
    private Events() {
    }

    /** A structured-mode CloudEvent (JSON) with the given id and source. */
    public static byte[] structured(String id, String source) {
        return structured(id, source, "com.example.order.created");
    }

    public static byte[] structured(String id, String source, String type) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + source + "\",\"type\":\"" + type
                + "\",\"time\":\"2026-11-28T10:00:00Z\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"orderId\":\"" + id + "\",\"amount\":42.5,\"tags\":[\"a\",\"b\"]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A structured event with the given JSON {@code data}. */
    public static byte[] structured(String id, String source, String type, String data) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + source + "\",\"type\":\"" + type
                + "\",\"datacontenttype\":\"application/json\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** The CloudEvents {@code id} of a structured event written by these methods. */
    public static String idOf(byte[] value) {
        String json = new String(value, StandardCharsets.UTF_8);
        int start = json.indexOf("\"id\":\"") + 6;
        return json.substring(start, json.indexOf('"', start));
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
