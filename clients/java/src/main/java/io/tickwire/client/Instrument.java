package io.tickwire.client;

/**
 * An instrument as the gateway's {@code instruments} reply describes it.
 *
 * @param symbol       the symbol.
 * @param instrumentId the engine's id of the instrument, which binary ({@code tickwire.sbe.v1}) messages carry
 *                     instead of the symbol; -1 if the gateway did not send one.
 * @param priceScale   decimal places of prices (price mantissas are at this scale).
 * @param qtyScale     decimal places of quantities.
 * @param tickSize     tick size mantissa at {@code priceScale}.
 * @param lotSize      lot size mantissa at {@code qtyScale}.
 * @param mode         {@code "matching"} or {@code "feed"}.
 */
public record Instrument(
    String symbol, int instrumentId, int priceScale, int qtyScale, long tickSize, long lotSize, String mode)
{
}
