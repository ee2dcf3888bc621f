//! EMV 3-D Secure browser data from what JavaScript can know. Pure: the DOM layer reads the
//! screen and passes the numbers in.
//!
//! Value sets from EMV 3-D Secure Protocol and Core Functions Specification v2.2, Table A.1:
//! `browserColorDepth` ∈ {1, 4, 8, 15, 16, 24, 32, 48}; `challengeWindowSize` 01 = 250×400,
//! 02 = 390×400, 03 = 500×600, 04 = 600×400, 05 = full screen. `browserJavaEnabled` is false:
//! no current browser runs Java applets (`navigator.javaEnabled()` is always false).

/// The EMV colour depth for a screen's `colorDepth`: the largest allowed value not above it
/// (a 30-bit HDR screen reports 24), or 1 for nonsense.
#[must_use]
pub fn emv_color_depth(depth: f64) -> u8 {
    const ALLOWED: [u8; 8] = [48, 32, 24, 16, 15, 8, 4, 1];
    ALLOWED
        .into_iter()
        .find(|&a| f64::from(a) <= depth)
        .unwrap_or(1)
}

/// Room the challenge dialog needs around the bank's page (title, cancel button, margins).
const CHROME_WIDTH: f64 = 32.0;
const CHROME_HEIGHT: f64 = 140.0;

/// The EMV challenge window size whose fixed frame fits the viewport with the dialog around it;
/// full screen (`05`) when none does, as on a small phone.
#[must_use]
pub fn challenge_window_size(viewport_width: f64, viewport_height: f64) -> &'static str {
    let (w, h) = (
        viewport_width - CHROME_WIDTH,
        viewport_height - CHROME_HEIGHT,
    );
    // Largest first; 04 (600×400, landscape) is left to pages that ask for it.
    [
        ("03", 500.0, 600.0),
        ("02", 390.0, 400.0),
        ("01", 250.0, 400.0),
    ]
    .into_iter()
    .find(|&(_, fw, fh)| fw <= w && fh <= h)
    .map_or("05", |(size, _, _)| size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_depth_maps_onto_the_emv_value_set() {
        for (screen, emv) in [
            (24.0, 24),
            (30.0, 24),
            (32.0, 32),
            (48.0, 48),
            (64.0, 48),
            (16.0, 16),
            (15.0, 15),
            (12.0, 8),
            (1.0, 1),
            (0.0, 1),
            (f64::NAN, 1),
            (-5.0, 1),
        ] {
            assert_eq!(emv_color_depth(screen), emv, "{screen}");
        }
    }

    #[test]
    fn challenge_window_fits_the_viewport() {
        assert_eq!(challenge_window_size(1280.0, 800.0), "03");
        assert_eq!(challenge_window_size(800.0, 600.0), "02");
        assert_eq!(challenge_window_size(430.0, 560.0), "02");
        assert_eq!(challenge_window_size(300.0, 560.0), "01");
        assert_eq!(challenge_window_size(270.0, 500.0), "05");
        assert_eq!(challenge_window_size(0.0, 0.0), "05");
    }
}
