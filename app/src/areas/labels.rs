//! Where a map's names go: each at its place, moved off the names already placed and kept
//! inside the drawing, smaller when it does not fit, and left out (its shape keeps the name as
//! a tooltip) rather than drawn over another.
//!
//! Text is measured by estimate — a CJK character is one font size wide, other characters
//! about 0.6 — which is what a server that draws without fonts can know; the estimate errs
//! wide, so names placed apart stay apart.

pub use super::map::MapLabel;

/// How a name sits against its anchor: areas centre their name on it, sites (a dot) put it
/// beside the dot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Centred,
    BesideDot,
}

/// The drawing's extent: `0..width` × `0..height`, with `pad` around it that names may use.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub width: i32,
    pub height: i32,
    pub pad: i32,
}

#[derive(Debug, Clone, Copy)]
struct Box2 {
    left: i32,
    top: i32,
    right: i32,
    bottom: i32,
}

impl Box2 {
    fn overlaps(&self, o: &Box2) -> bool {
        self.left < o.right && o.left < self.right && self.top < o.bottom && o.top < self.bottom
    }
}

/// Estimated width of `text` at `size`, halo included.
pub fn text_width(text: &str, size: i32) -> i32 {
    let units: f64 = text
        .chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum();
    (units * f64::from(size)).ceil() as i32 + size / 4
}

/// Places names one after another (the first has the first choice of room); each name's
/// `sizes` are tried largest first, and `None` means nothing fits without covering another.
pub struct Placer {
    frame: Frame,
    taken: Vec<Box2>,
}

impl Placer {
    pub fn new(frame: Frame) -> Self {
        Self {
            frame,
            taken: Vec::new(),
        }
    }

    /// Marks room as used (a dot, a pin) so names avoid it.
    pub fn reserve(&mut self, at: (i32, i32), radius: i32) {
        self.taken.push(Box2 {
            left: at.0 - radius,
            top: at.1 - radius,
            right: at.0 + radius,
            bottom: at.1 + radius,
        });
    }

    pub fn place(
        &mut self,
        name: &str,
        at: (i32, i32),
        anchor: Anchor,
        sizes: &[i32],
    ) -> Option<MapLabel> {
        for &size in sizes {
            let w = text_width(name, size);
            let h = size * 5 / 4;
            let candidates: Vec<(i32, i32)> = match anchor {
                // On the spot, then a line below or above, then two.
                Anchor::Centred => [0, 1, -1, 2, -2]
                    .iter()
                    .map(|k| (at.0, at.1 + size / 3 + k * h))
                    .collect(),
                // Right of the dot, left of it, below, above.
                Anchor::BesideDot => {
                    let gap = 14;
                    vec![
                        (at.0 + gap + w / 2, at.1 + size / 3),
                        (at.0 - gap - w / 2, at.1 + size / 3),
                        (at.0, at.1 + gap + size),
                        (at.0, at.1 - gap),
                    ]
                }
            };
            for (x, y) in candidates {
                let Some((x, y)) = self.inside(x, y, w, size) else {
                    break;
                };
                let b = Box2 {
                    left: x - w / 2,
                    top: y - size,
                    right: x + w / 2,
                    bottom: y + size / 4,
                };
                if !self.taken.iter().any(|t| t.overlaps(&b)) {
                    self.taken.push(b);
                    return Some(MapLabel { x, y, size });
                }
            }
        }
        None
    }

    /// Moves a name's baseline middle so the whole name lies within the drawing and its pad;
    /// `None` when the name is larger than the drawing at this size.
    fn inside(&self, x: i32, y: i32, w: i32, size: i32) -> Option<(i32, i32)> {
        let f = self.frame;
        let (min_x, max_x) = (-f.pad + w / 2 + 2, f.width + f.pad - w / 2 - 2);
        let (min_y, max_y) = (-f.pad + size + 2, f.height + f.pad - size / 4 - 2);
        (min_x <= max_x && min_y <= max_y).then(|| (x.clamp(min_x, max_x), y.clamp(min_y, max_y)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Frame = Frame {
        width: 1000,
        height: 600,
        pad: 40,
    };

    fn bounds(name: &str, l: MapLabel) -> (i32, i32, i32, i32) {
        let w = text_width(name, l.size);
        (l.x - w / 2, l.y - l.size, l.x + w / 2, l.y + l.size / 4)
    }

    #[test]
    fn names_at_the_same_spot_are_moved_apart_and_none_covers_another() {
        let mut p = Placer::new(FRAME);
        let names = ["山大路社区", "燕子山社区", "建新社区", "解放路街道"];
        let placed: Vec<_> = names
            .iter()
            .map(|n| (n, p.place(n, (500, 300), Anchor::Centred, &[40, 30])))
            .collect();
        let drawn: Vec<_> = placed
            .iter()
            .filter_map(|(n, l)| l.map(|l| bounds(n, l)))
            .collect();
        assert!(drawn.len() >= 3, "{placed:?}");
        for (i, a) in drawn.iter().enumerate() {
            for b in &drawn[i + 1..] {
                let apart = a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn a_name_at_the_edge_is_pulled_inside_the_drawing() {
        let mut p = Placer::new(FRAME);
        let name = "千佛山街道千佛山社区";
        let l = p
            .place(name, (995, 5), Anchor::Centred, &[40])
            .expect("room");
        let (left, top, right, bottom) = bounds(name, l);
        assert!(
            left >= -FRAME.pad && right <= FRAME.width + FRAME.pad,
            "{l:?}"
        );
        assert!(
            top >= -FRAME.pad && bottom <= FRAME.height + FRAME.pad,
            "{l:?}"
        );
    }

    #[test]
    fn a_site_name_sits_beside_its_dot_and_yields_to_the_dot_of_another() {
        let mut p = Placer::new(FRAME);
        p.reserve((500, 300), 12);
        p.reserve((560, 300), 12);
        let l = p
            .place("科技市场", (500, 300), Anchor::BesideDot, &[24])
            .expect("room");
        let (left, top, right, bottom) = bounds("科技市场", l);
        // Not over either dot.
        for (cx, cy) in [(500, 300), (560, 300)] {
            let clear = right <= cx - 12 || left >= cx + 12 || bottom <= cy - 12 || top >= cy + 12;
            assert!(clear, "{l:?} covers the dot at {cx},{cy}");
        }
    }

    #[test]
    fn with_no_room_left_a_name_is_left_out() {
        let tiny = Frame {
            width: 100,
            height: 40,
            pad: 0,
        };
        let mut p = Placer::new(tiny);
        assert!(p
            .place("山大路社区", (50, 20), Anchor::Centred, &[24])
            .is_none());
        assert_eq!(text_width("AB", 10), 12 + 2);
    }
}
