package io.loomring.examples.resp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The commands of the key-value server, over a {@link ConcurrentHashMap} shared by all connections:
 * PING, ECHO, SET, GET, DEL, EXISTS, INCR, QUIT, plus the CONFIG GET and COMMAND replies that
 * {@code redis-benchmark} and {@code redis-cli} ask for when they connect.
 */
final class KeyValueStore {
    /** The settings {@code redis-benchmark} reads at start; CONFIG GET answers these only. */
    private static final Map<String, String> CONFIG = Map.of("save", "", "appendonly", "no");

    // Keys as ISO-8859-1 strings: one char per byte, so any binary key round-trips.
    private final Map<String, byte[]> data = new ConcurrentHashMap<>();

    /**
     * Runs one command and writes its reply.
     *
     * @param args the command name and its arguments, at least one element
     * @return false if the client asked to close the connection (QUIT)
     */
    boolean execute(List<byte[]> args, RespWriter out) {
        String name = text(args.get(0)).toUpperCase(Locale.ROOT);
        int argc = args.size();
        switch (name) {
            case "PING" -> {
                if (argc == 1) {
                    out.simple("PONG");
                } else if (argc == 2) {
                    out.bulk(args.get(1));
                } else {
                    wrongArity(out, name);
                }
            }
            case "ECHO" -> {
                if (argc == 2) {
                    out.bulk(args.get(1));
                } else {
                    wrongArity(out, name);
                }
            }
            case "SET" -> {
                if (argc == 3) {
                    data.put(text(args.get(1)), args.get(2));
                    out.simple("OK");
                } else if (argc > 3) {
                    out.error("ERR syntax error"); // options such as EX are not supported
                } else {
                    wrongArity(out, name);
                }
            }
            case "GET" -> {
                if (argc == 2) {
                    byte[] value = data.get(text(args.get(1)));
                    if (value == null) {
                        out.nullBulk();
                    } else {
                        out.bulk(value);
                    }
                } else {
                    wrongArity(out, name);
                }
            }
            case "DEL", "EXISTS" -> {
                if (argc < 2) {
                    wrongArity(out, name);
                    break;
                }
                long count = 0;
                for (byte[] key : args.subList(1, argc)) {
                    boolean present = name.equals("DEL")
                            ? data.remove(text(key)) != null
                            : data.containsKey(text(key));
                    count += present ? 1 : 0;
                }
                out.integer(count);
            }
            case "INCR" -> {
                if (argc == 2) {
                    incr(text(args.get(1)), out);
                } else {
                    wrongArity(out, name);
                }
            }
            case "CONFIG" -> {
                if (argc == 3 && text(args.get(1)).equalsIgnoreCase("GET")) {
                    String parameter = text(args.get(2)).toLowerCase(Locale.ROOT);
                    String value = CONFIG.get(parameter);
                    if (value == null) {
                        out.arrayHeader(0);
                    } else {
                        out.arrayHeader(2);
                        out.bulk(bytes(parameter));
                        out.bulk(bytes(value));
                    }
                } else {
                    out.error("ERR only CONFIG GET parameter is supported");
                }
            }
            case "COMMAND" -> out.arrayHeader(0); // no command table to describe
            case "QUIT" -> {
                out.simple("OK");
                return false;
            }
            default -> out.error("ERR unknown command '" + printable(name) + "'");
        }
        return true;
    }

    private void incr(String key, RespWriter out) {
        try {
            // compute() makes the read-modify-write atomic per key across connections.
            byte[] result = data.compute(key, (k, old) -> bytes(Long.toString(
                    Math.incrementExact(old == null ? 0 : Long.parseLong(text(old))))));
            out.integer(Long.parseLong(text(result)));
        } catch (NumberFormatException | ArithmeticException e) {
            out.error("ERR value is not an integer or out of range");
        }
    }

    private static void wrongArity(RespWriter out, String name) {
        out.error("ERR wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
    }

    /** A command name fit for an error line: no CR/LF, bounded length. */
    private static String printable(String s) {
        String shown = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return shown.replaceAll("[\\x00-\\x1f\\x7f]", "?");
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
