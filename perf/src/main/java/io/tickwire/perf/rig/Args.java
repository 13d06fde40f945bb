package io.tickwire.perf.rig;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} command-line arguments of the rig's processes. */
final class Args
{
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    Args(final String[] args)
    {
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (!arg.startsWith("--"))
            {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            final int eq = arg.indexOf('=');
            if (eq > 0)
            {
                values.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
            else if (i + 1 < args.length && !args[i + 1].startsWith("--"))
            {
                values.put(arg, args[++i]);
            }
            else
            {
                flags.add(arg);
            }
        }
    }

    String value(final String name, final String dflt)
    {
        return values.getOrDefault(name, dflt);
    }

    int intValue(final String name, final int dflt)
    {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : dflt;
    }

    long longValue(final String name, final long dflt)
    {
        return values.containsKey(name) ? Long.parseLong(values.get(name)) : dflt;
    }

    double doubleValue(final String name, final double dflt)
    {
        return values.containsKey(name) ? Double.parseDouble(values.get(name)) : dflt;
    }

    boolean flag(final String name)
    {
        return flags.contains(name);
    }

    Set<String> names()
    {
        final Set<String> all = new HashSet<>(values.keySet());
        all.addAll(flags);
        return all;
    }
}
