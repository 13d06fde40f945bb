package io.tickwire.engine.sim;

/**
 * A small, fast, seeded pseudo-random generator for the simulator: xoroshiro128++ (Blackman and Vigna)
 * with its state expanded from a 64-bit seed by SplitMix64.
 * <p>
 * The same seed gives the same sequence on every JVM and platform: the generator uses integer arithmetic
 * only, and the derived distributions use {@link StrictMath}, never the platform-tuned {@link Math}
 * intrinsics. Not thread safe (one instance per thread, like the simulator that owns it), allocation free,
 * not for cryptography.
 */
public final class SimRandom
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private long s0;
    private long s1;
    private boolean hasSpareGaussian;
    private double spareGaussian;

    /**
     * @param seed any value; equal seeds give equal sequences.
     */
    public SimRandom(final long seed)
    {
        s0 = mix64(seed + GOLDEN_GAMMA);
        s1 = mix64(seed + 2 * GOLDEN_GAMMA);
        if ((s0 | s1) == 0)
        {
            s1 = GOLDEN_GAMMA;
        }
    }

    /**
     * SplitMix64's finaliser: a bijective mix of 64 bits, used to expand seeds and derive independent ones.
     *
     * @return the mixed value.
     */
    public static long mix64(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * @return the next 64 uniformly distributed bits.
     */
    public long nextLong()
    {
        final long a = s0;
        long b = s1;
        final long result = Long.rotateLeft(a + b, 17) + a;
        b ^= a;
        s0 = Long.rotateLeft(a, 49) ^ b ^ (b << 21);
        s1 = Long.rotateLeft(b, 28);
        return result;
    }

    /**
     * A uniform int in {@code [0, bound)} by multiply-and-shift of 32 random bits (bias below
     * {@code bound / 2^32}, negligible for the simulator's small bounds).
     *
     * @param bound exclusive upper bound, positive.
     * @return the value.
     */
    public int nextInt(final int bound)
    {
        return (int)(((nextLong() >>> 32) * bound) >>> 32);
    }

    /**
     * @return a uniform double in {@code [0, 1)} with 53 random bits.
     */
    public double nextDouble()
    {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /**
     * @return an exponentially distributed double with mean 1.
     */
    public double nextExponential()
    {
        return -StrictMath.log(1.0 - nextDouble());
    }

    /**
     * A standard normal deviate by Marsaglia's polar method (which makes two; the second is kept for the
     * next call).
     *
     * @return a normally distributed double with mean 0 and standard deviation 1.
     */
    public double nextGaussian()
    {
        if (hasSpareGaussian)
        {
            hasSpareGaussian = false;
            return spareGaussian;
        }
        double u;
        double v;
        double s;
        do
        {
            u = 2.0 * nextDouble() - 1.0;
            v = 2.0 * nextDouble() - 1.0;
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);
        final double multiplier = StrictMath.sqrt(-2.0 * StrictMath.log(s) / s);
        spareGaussian = v * multiplier;
        hasSpareGaussian = true;
        return u * multiplier;
    }
}
