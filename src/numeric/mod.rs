//! Special functions postab can trust at any scale.
