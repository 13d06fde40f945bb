package io.tickwire.client;

/**
 * An instrument as the gateway's {@code instruments} reply describes it.
 *
 * @param symbol     the symbol.
 * @param priceScale decimal places of prices (price mantissas are at this scale).
 * @param qtyScale   decimal places of quantities.
 * @param tickSize   tick size mantissa at {@code priceScale}.
 * @param lotSize    lot size mantissa at {@code qtyScale}.
 * @param mode       {@code "matching"} or {@code "feed"}.
 */
public record Instrument(String symbol, int priceScale, int qtyScale, long tickSize, long lotSize, String mode)
{
}
