package io.clickstream.testkit;

/** A child JVM for JvmProcessTest: says hello, echoes its env and args, waits to be signalled. */
public final class Sleeper {
    public static void main(String[] args) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("sleeper: bye")));
        System.out.println("sleeper: GREETING=" + System.getenv("GREETING") + " args=" + String.join(",", args));
        System.err.println("sleeper: ready on stderr");
        if (args.length > 0 && args[0].equals("exit")) {
            System.exit(Integer.parseInt(args[1]));
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
