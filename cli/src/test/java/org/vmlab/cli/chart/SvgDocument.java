package org.vmlab.cli.chart;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * An SVG file as the JDK's XML parser reads it, for tests: parsing fails on anything that is
 * not well-formed XML, and the elements are found by their class, as the chart marks them.
 */
public final class SvgDocument {
    public static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";

    private final Document document;

    private SvgDocument(Document document) {
        this.document = document;
    }

    /** Parses {@code svg}; throws if it is not well-formed (or names a DTD, which a chart never needs). */
    public static SvgDocument parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return new SvgDocument(factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8))));
    }

    /** The root element. */
    public Element root() {
        return document.getDocumentElement();
    }

    /** Every element whose class list holds {@code cssClass}, in document order. */
    public List<Element> withClass(String cssClass) throws Exception {
        return select("//*[contains(concat(' ', normalize-space(@class), ' '), ' " + cssClass + " ')]");
    }

    /** The text of every element with class {@code cssClass}, without the text of its children. */
    public List<String> textsOf(String cssClass) throws Exception {
        List<String> texts = new ArrayList<>();
        for (Element e : withClass(cssClass)) {
            texts.add(ownText(e));
        }
        return texts;
    }

    /** Every element named {@code name}, in any namespace. */
    public List<Element> named(String name) throws Exception {
        return select("//*[local-name()='" + name + "']");
    }

    /** The text directly inside {@code e} (a bar's label, not its tooltip), stripped. */
    public static String ownText(Element e) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < e.getChildNodes().getLength(); i++) {
            if (e.getChildNodes().item(i).getNodeType() == org.w3c.dom.Node.TEXT_NODE) {
                text.append(e.getChildNodes().item(i).getNodeValue());
            }
        }
        return text.toString().strip();
    }

    /** The text of the {@code <title>} inside {@code e} (a bar's tooltip). */
    public static String tooltip(Element e) {
        NodeList titles = e.getElementsByTagNameNS(SVG_NAMESPACE, "title");
        return titles.getLength() == 0 ? null : titles.item(0).getTextContent();
    }

    /** {@code e}'s attribute as a number. */
    public static double number(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    private List<Element> select(String xpath) throws Exception {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath()
                .evaluate(xpath, document, XPathConstants.NODESET);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }
}
